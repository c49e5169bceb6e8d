"""The Daseinsvorsorge themes of the demographics page: age structure, migration and natural change
2015.
"""
