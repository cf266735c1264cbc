"""The application's jobs: the periodic handlers, the read API and the in-app worker. The
machinery (table, queue, worker, scheduler) is in the kernel, ``app.core.jobs``."""
