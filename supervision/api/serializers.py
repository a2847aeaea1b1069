from __future__ import annotations

from rest_framework import serializers

from .. import constants as c


class RatingInputSerializer(serializers.Serializer):
    level = serializers.IntegerField(
        help_text="5 非常满意 · 4 满意 · 3 基本满意 · 2 不满意 · 1 非常不满意"
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=c.RatingTag.choices),
        required=False,
        max_length=len(c.RatingTag.values),
    )


class RatingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    level = serializers.IntegerField()
    level_label = serializers.CharField(source="get_level_display")
    tags = serializers.ListField(child=serializers.CharField())
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    rectification_due_on = serializers.SerializerMethodField()

    def get_rectification_due_on(self, rating) -> str | None:
        rect = getattr(rating, "rectification", None) if rating.is_bad else None
        return rect.due_on.isoformat() if rect and rect.due_on else None


class ComplaintInputSerializer(serializers.Serializer):
    application_number = serializers.CharField(
        required=False, allow_blank=True, max_length=47
    )
    department = serializers.IntegerField(required=False, allow_null=True)
    content = serializers.CharField(max_length=2000)
    contact_name = serializers.CharField(max_length=40)
    contact_phone = serializers.CharField(max_length=20)


class ComplaintFiledSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField()


class ComplaintTrackSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=["handling", "answered"])
    state_label = serializers.CharField()
    filed_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
