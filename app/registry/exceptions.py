from app.core.errors import Conflict, DomainError, Unprocessable


class MissingRouteFields(Unprocessable):
    code = "route_fields_missing"


class BadRegistrant(Unprocessable):
    code = "bad_registrant"


class ProductCodeTaken(Conflict):
    code = "product_code_taken"


class ArtworkRejected(DomainError):
    status, code = 422, "artwork_rejected"


class DuplicateTestItem(Unprocessable):
    code = "duplicate_test_item"
