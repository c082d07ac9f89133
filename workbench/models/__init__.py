"""The model registry: catalogue, weights, hardware verdicts, lazy loading and the doctor."""
from workbench.models.catalog import ModelSpec, catalog, default_model_id, get_spec

__all__ = ["ModelSpec", "catalog", "default_model_id", "get_spec"]
