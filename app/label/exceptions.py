from app.core.errors import Conflict, DomainError, Unprocessable


class QuotaExceeded(DomainError):
    status, code = 409, "quota_exceeded"


class LotTaken(Conflict):
    code = "lot_taken"


class LabelsNotVoidable(Unprocessable):
    code = "labels_not_voidable"


class UndoNotAllowed(Conflict):
    code = "undo_not_allowed"


class PrintSizeRefused(Unprocessable):
    code = "print_size_refused"


class TooManyLabelsForOneFile(Unprocessable):
    code = "too_many_labels"


class LabelKeyRefused(Unprocessable):
    code = "label_key_refused"


class LabelsNotReplaceable(Conflict):
    """Only voided labels of an issued batch in good standing are replaced."""

    code = "labels_not_replaceable"


class AlreadyReplaced(Conflict):
    code = "already_replaced"
