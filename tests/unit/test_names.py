"""The plain names the command line reads before the schemas load agree with the schemas."""

from schemas import commands, names, types


def test_the_line_codes_are_the_schemas() -> None:
    assert names.LINE_CODES == types.LINE_CODES


def test_the_command_types_are_the_schemas_in_order() -> None:
    assert names.COMMAND_TYPES == commands.COMMAND_TYPES


def test_the_period_syntax_is_the_schemas() -> None:
    assert types.Period.__metadata__[0].pattern == f"^{names.PERIOD_PATTERN}$"
