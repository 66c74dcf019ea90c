"""Coaching delivery (coaching art. 6.1, 7, 10.1, 10.3, 15, 28): allowance ledger, coaches'
availability, bookings and the 48-hour rule, JaaS video rooms and attendance, deliverables,
access windows.
"""
