"""One way to read and write sessions: an embedded SQLite database plus a media folder.

    store = SessionStore()                 # under settings().data_dir
    store.save(session)                    # after every turn: a crash loses nothing recorded
    store.get(session_id); store.list(); store.delete(session_id)
"""
from workbench.store.sqlite import SessionStore, SessionSummary

__all__ = ["SessionStore", "SessionSummary"]
