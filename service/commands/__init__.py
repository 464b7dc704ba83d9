"""service.commands: the ``bordermap`` command, one module per sub-command family.

:mod:`service.commands.main` builds the parser; each module adds its sub-commands and keeps
heavy imports inside its handlers, so ``bordermap db`` starts quickly.
"""
