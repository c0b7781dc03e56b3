from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from yunwei.core import actions
from yunwei.core.api.base import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from yunwei.core.api.serializers import RestrictedModelSerializer
from yunwei.core.filtersets import (
    AuditEntryFilterSet,
    OrganisationFilterSet,
    RoleFilterSet,
    UserFilterSet,
    VendorFilterSet,
)
from yunwei.core.models import AuditEntry, Organisation, Role, User, Vendor


class OrganisationSerializer(RestrictedModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "display",
            "code",
            "name",
            "short_name",
            "level",
            "parent",
            "path",
            "depth",
            "region_code",
            "address",
            "phone",
            "sort_order",
            "is_active",
        ]
        read_only_fields = ["path", "depth"]


class VendorSerializer(RestrictedModelSerializer):
    class Meta:
        model = Vendor
        fields = [
            "id",
            "display",
            "code",
            "name",
            "short_name",
            "contact_name",
            "contact_phone",
            "is_active",
        ]


class RoleSerializer(RestrictedModelSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = [
            "id",
            "display",
            "code",
            "name",
            "description",
            "data_scope",
            "is_builtin",
            "permissions",
        ]

    def get_permissions(self, obj) -> list[str]:
        return [f"{p.content_type.app_label}.{p.codename}" for p in obj.permissions.all()]


class UserSerializer(RestrictedModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "display",
            "username",
            "full_name",
            "organisation",
            "vendor",
            "roles",
            "phone",
            "email",
            "is_active",
            "last_login",
        ]
        read_only_fields = ["last_login"]


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "created_at",
            "actor_id",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "request_id",
            "source_ip",
            "prev_hash",
            "hash",
        ]


class OrganisationViewSet(RestrictedModelViewSet):
    queryset = Organisation.objects.select_related("parent")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet


class VendorViewSet(RestrictedModelViewSet):
    queryset = Vendor.objects.all()
    serializer_class = VendorSerializer
    filterset_class = VendorFilterSet


class RoleViewSet(RestrictedReadOnlyViewSet):
    queryset = Role.objects.prefetch_related("permissions__content_type")
    serializer_class = RoleSerializer
    filterset_class = RoleFilterSet


class UserViewSet(RestrictedReadOnlyViewSet):
    """Users are read through the API; accounts are created and changed in the UI or CLI."""

    queryset = User.objects.select_related("organisation", "vendor").prefetch_related("roles")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet


class AuditEntryViewSet(RestrictedReadOnlyViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    lookup_field = "seq"


class TokenView(APIView):
    """Exchange a username and password for the user's API token (issued if there is none).

    The same lock-out applies as on the login page.
    """

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = Token.objects.filter(user=user).first()
        key = token.key if token else actions.do_issue_api_token(user, actor=user)
        return Response({"token": key})
