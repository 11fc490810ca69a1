"""The referrals live in their own database (alias ``referrals``), and nothing else does.

One router, so that the rule lives in one place and no query crosses it by accident: the
referrals app's models are read, written and migrated there only; every other app's models
never get a table there. A relation between the two sides is refused: referrals hold place
codes and user ids as plain values, never foreign keys into the police database.
"""

from __future__ import annotations

from typing import Any

from django.db import models

ALIAS = "referrals"
APP_LABEL = "referrals"


def _ours(model: type[models.Model] | models.Model) -> bool:
    return model._meta.app_label == APP_LABEL


class ReferralsRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        return ALIAS if _ours(model) else None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return ALIAS if _ours(model) else None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        if _ours(obj1) or _ours(obj2):
            return _ours(obj1) and _ours(obj2)
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if app_label == APP_LABEL:
            return db == ALIAS
        return db != ALIAS
