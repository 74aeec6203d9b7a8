"""Background work of the shop as a whole (Django's tasks framework)."""

from crontask import cron
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend

from storefront import renditions


@cron("50 3 * * *")
@task
def prune_task_results() -> bool:
    """Nightly: delete finished task rows older than `TASK_RESULTS_KEEP_DAYS` days (failed ones,
    which staff may still be reading, after twice as long)."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    days = settings.TASK_RESULTS_KEEP_DAYS
    call_command("prune_db_task_results", queue_name="*", min_age_days=days, failed_min_age_days=2 * days, verbosity=0)
    return True


@task
def make_image_renditions(label: str, pk: int) -> bool:
    """The renditions of the picture of row `pk` of model `label` ("catalog.productimage"); False
    when the row is gone or already has them. A file that is not a picture fails the task (staff
    see it under "Task results")."""
    model = apps.get_model(label)
    if label not in renditions.MODELS:
        raise ValueError(f"{label} keeps no renditions")
    row = model._default_manager.filter(pk=pk).only("pk", renditions.image_field(model), "renditions").first()
    if row is None:
        return False
    return renditions.renew_renditions(row)
