"""One module per pipeline stage, in pipeline order.

read -> clean (rights, language) -> parse -> entities -> figures -> time ->
places -> attribution -> events
"""
