"""Service Charter Dashboard core: file -> read -> map -> validate -> store -> compute.

Pure Python and pandas; never imports Streamlit, so the command line and the tests use it directly.
"""
