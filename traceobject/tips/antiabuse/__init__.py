"""Abuse resistance for the public tip intake, without tracking anyone.

``pow``: a signed, single-use proof-of-work challenge solved by ``static/public/pow.js``;
``ratelimit``: limits and back-off keyed by a rotating HMAC of the client address;
``surge``: a global circuit breaker that holds new tips when submissions spike;
``services``: the intake's screening, which ties the three together for ``tips.views.tip_create``.
"""
