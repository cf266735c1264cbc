"""The inspection world (see inspection_fixtures): a product's standard is judged by what its
inspections measured."""

from inspection_fixtures import codec, gi  # noqa: F401
