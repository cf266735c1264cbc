"""The staff console: server-rendered pages at ``/console`` for licensees (and, issue by issue,
regulators, inspectors and admins), signed in by a cookie session held on the server.

It sits on top of every domain and reaches each through its service, with the same
``Principal`` the API builds, so the API's authorization and per-enterprise scoping apply as
they are. See ``session`` (the cookie session), ``deps`` (who is signed in, CSRF) and the page
modules (``login``, ``dashboard``, ``batches``)."""
