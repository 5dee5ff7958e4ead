"""``/api/templates/``: my templates and everyone's shared ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from messaging.api.pagination import TemplateCursorPagination
from messaging.api.schema import BAD_CURSOR, BAD_INPUT, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED
from messaging.api.serializers.templates import (
    TemplatePatchSerializer,
    TemplateSerializer,
    TemplateWriteSerializer,
)
from messaging.models import MessageTemplate
from messaging.selectors import template_get, templates_visible_to
from messaging.services.templates import template_create, template_delete, template_update

_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The template's id.")
_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}


@extend_schema_view(
    list=extend_schema(
        summary="Templates I own and shared ones",
        responses={
            200: TemplateSerializer(many=True),
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            404: BAD_CURSOR,
        },
    ),
    create=extend_schema(
        summary="Create a template",
        request=TemplateWriteSerializer,
        responses={201: TemplateSerializer, 400: BAD_INPUT, 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="A template", parameters=[_ID], responses={200: TemplateSerializer, **_ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change a template (its owner only)",
        parameters=[_ID],
        request=TemplatePatchSerializer,
        responses={200: TemplateSerializer, 400: BAD_INPUT, 403: FORBIDDEN, **_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a template (its owner only)",
        parameters=[_ID],
        responses={204: None, 403: FORBIDDEN, **_ERRORS},
    ),
)
class TemplateViewSet(viewsets.GenericViewSet[MessageTemplate]):
    """Message templates: bodies with ``{placeholder}`` fields, used when posting a message."""

    pagination_class = TemplateCursorPagination
    lookup_value_regex = "[^/]+"
    serializer_classes = {
        "create": TemplateWriteSerializer,
        "partial_update": TemplatePatchSerializer,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return self.serializer_classes.get(self.action, TemplateSerializer)

    def get_queryset(self) -> QuerySet[MessageTemplate]:
        return templates_visible_to(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(self._out(page, many=True))

    def create(self, request: Request) -> Response:
        data = self._validated(TemplateWriteSerializer, request.data)
        template = template_create(owner=request.user, **data)
        return Response(self._out(template), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._out(template_get(user=request.user, template_id=pk)))

    def partial_update(self, request: Request, pk: str) -> Response:
        template = template_get(user=request.user, template_id=pk)
        data = self._validated(TemplatePatchSerializer, request.data)
        return Response(self._out(template_update(actor=request.user, template=template, **data)))

    def destroy(self, request: Request, pk: str) -> Response:
        template_delete(
            actor=request.user, template=template_get(user=request.user, template_id=pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _out(self, value: Any, *, many: bool = False) -> Any:
        return TemplateSerializer(value, many=many, context={"request": self.request}).data

    def _validated(self, serializer_class: type[BaseSerializer[Any]], data: Any) -> dict[str, Any]:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
