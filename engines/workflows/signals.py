"""Sent inside the move's transaction after every transition, so a mechanism's reaction is atomic with it.

``case_moved(sender=Case, case=case, transition=transition)``: e.g. the member registry is updated
when a development case reaches its "probationary" stage.
"""
from django.dispatch import Signal

case_moved = Signal()
