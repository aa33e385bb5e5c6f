"""A failure that passes by itself. Pure, so domain code can raise it."""


class RetryLater(RuntimeError):
    """Another writer won a race (or a resource is briefly away): the same message or request
    succeeds when tried again, so consumers requeue it instead of dead-lettering it."""
