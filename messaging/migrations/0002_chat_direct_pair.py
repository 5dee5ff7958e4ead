"""One direct chat per pair of users: ``Chat.direct_pair``, unique.

Existing direct chats get their pair's key, the oldest chat of a pair first;
a later duplicate of a pair (made before this constraint) keeps an empty key and
stays readable, and opening the pair's chat answers the oldest one.
"""

from typing import Any

from django.db import migrations, models


def fill_direct_pairs(apps: Any, schema_editor: Any) -> None:
    chat_model = apps.get_model("messaging", "Chat")
    participant_model = apps.get_model("messaging", "Participant")
    taken: set[str] = set()
    for chat in chat_model.objects.filter(type="direct").order_by("created_at", "pk"):
        members = sorted(
            participant_model.objects.filter(chat=chat).values_list("user_id", flat=True)
        )
        if len(members) != 2:
            continue
        key = f"{members[0]}:{members[1]}"
        if key not in taken:
            taken.add(key)
            chat.direct_pair = key
            chat.save(update_fields=["direct_pair"])


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="chat",
            name="direct_pair",
            field=models.CharField(blank=True, default="", editable=False, max_length=41),
        ),
        migrations.RunPython(fill_direct_pairs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="chat",
            constraint=models.UniqueConstraint(
                condition=models.Q(("direct_pair", ""), _negated=True),
                fields=("direct_pair",),
                name="chat_one_direct_per_pair",
            ),
        ),
    ]
