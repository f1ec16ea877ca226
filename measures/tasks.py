"""Background tasks of the measures app, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task


@task(takes_context=True)
def render_publication(context, document_id: int) -> str:
    """Renders a PDF publication anew and stores it (measures/renders.py)."""
    from .renders import run_render

    return run_render(document_id, str(context.task_result.id))
