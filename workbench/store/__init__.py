"""One way to read and write sessions: an embedded SQLite database plus a media folder.

    store = SessionStore()                 # under settings().data_dir
    store.save(session)                    # after every turn: a crash loses nothing recorded
    store.get(session_id); store.list(); store.delete(session_id)
    store.write_media(session_id, name, data)   # encrypted at rest
    with store.media_file(session_id, name) as path: ...   # a temporary decrypted copy for decoders
    store.discard_media(session_id)           # after features are extracted (unless keep_media)
"""
from workbench.store.sqlite import SessionStore, SessionSummary

__all__ = ["SessionStore", "SessionSummary"]
