"""The coordinator's month: re-planning around a published schedule (``replan``, its
changes in words in ``changes``), who really came (``attendance``), seats held for expected
hires (``forecast``), free seats of the sessions kept (``kept_seats``), and personal
course requests assessed against a schedule (``electives``)."""
