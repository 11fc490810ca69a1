"""Each role's work queue: the home page of a signed-in officer (``queues``) and the
one-tap actions taken from it (``views``)."""
