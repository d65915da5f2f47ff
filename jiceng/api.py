"""The REST API: one NinjaAPI, a router per app, session or token authentication.

Every endpoint reads through ``restrict``; see tests/test_scope_walk.py.
"""
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="Jiceng API", version="1", auth=django_auth)
