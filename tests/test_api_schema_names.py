"""Every schema class in the API has its own name: the OpenAPI document keys schemas by class name, so two
classes of one name would silently describe one endpoint's responses with the other's fields."""
import typing
from collections import defaultdict

from pydantic import BaseModel

from jiceng.api import api


def nested_models(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            nested_models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        nested_models(argument, found)


def api_models() -> set:
    found: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in (operation.response_models or {}).values():
                    nested_models(model, found)
                for model in operation.models:
                    nested_models(model, found)
    return found


def test_schema_class_names_are_unique():
    by_name = defaultdict(set)
    for model in api_models():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}


def test_the_check_sees_the_api_schemas():
    names = {model.__name__ for model in api_models()}
    assert {"RuleVersionOut", "VersionOut"} <= names
