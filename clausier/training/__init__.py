"""Trainings and OPCO funding (coaching art. 7.2.1, 7.3, 7.4, 8.1.1, 8.1.2, 8.2.4, 10.2):
catalogue, sessions by half-day, enrolment, attendance evidence, certificates, split billing,
BPF.
"""
