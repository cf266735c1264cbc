"""Supervision data (issue 13): the producer roster, the mark-use rate against the 90 % target,
licensees' annual use reports, print runs and the printing–issuing–use ledger."""
