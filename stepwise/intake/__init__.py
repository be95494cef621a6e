"""Intake: every door a school's files come in by (the command line, the API, the demo).

One service per kind of file. A register file is parsed and merged, the issued
certificates' locks recorded and the changed terms evaluated, all in one
transaction, so no page can show new marks beside threshold events that predate them.
"""
