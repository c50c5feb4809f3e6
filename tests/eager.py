import contextlib

from traject.celery import app as celery_app


@contextlib.contextmanager
def eager_tasks(*, propagate=True):
    """Run tasks in-process while the block runs, whatever the settings: the
    suite runs once with Redis (tasks sent to a broker) and once without.

    Celery retries an eager task only when its errors do not propagate."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = propagate
    try:
        yield
    finally:
        (
            celery_app.conf.task_always_eager,
            celery_app.conf.task_eager_propagates,
        ) = saved
