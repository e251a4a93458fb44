"""schemalaggning: schedules the introduction programme for newly hired social workers."""

__version__ = "0.1.0"
