"""Running the analysis stages over stored sessions: one runner, one skip rule, one way to store results.

    from workbench.stages.voice import run_voice        # speech.analyse_voice on each recording
    from workbench.stages.face import run_face          # vision.analyse_video on each recording with a picture
    from workbench.stages.scoring import run_scoring    # scoring.score_answer on each answer
    from workbench.stages.output import write_stage_json

Each stage has its own module, so a notebook imports only the models' code of its own stage.
"""
