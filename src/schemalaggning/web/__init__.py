"""The coordinator's workspace in the browser (``schemalaggning serve``).

A Starlette app (:mod:`~schemalaggning.web.app`) over a workspace folder
(:mod:`~schemalaggning.web.workspace`) whose instance and schedule folders are the command
line's own. Its pages: :mod:`~schemalaggning.web.pages` (Översikt, Indata, Schemat),
:mod:`~schemalaggning.web.whatif` (Kapacitet och vad händer om),
:mod:`~schemalaggning.web.planning` (Schemalägg / Planera om),
:mod:`~schemalaggning.web.sending` (Skicka), :mod:`~schemalaggning.web.requests`
(Individuella kurser) and :mod:`~schemalaggning.web.feeds` (Kalenderprenumeration).
Accounts, logins, jobs, the audit log and feeds are kept in SQLite
(:mod:`~schemalaggning.web.store`); long runs go to worker processes
(:mod:`~schemalaggning.web.jobs`, :mod:`~schemalaggning.web.worker`); who may do what is
:mod:`~schemalaggning.web.security`.
"""
