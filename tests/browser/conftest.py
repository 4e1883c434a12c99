"""Prints the console's measured timings at the end of the run, whatever pytest captures."""

TIMINGS: list[str] = []


def pytest_terminal_summary(terminalreporter: object) -> None:
    if TIMINGS:
        terminalreporter.section("web console timings (measured, not asserted)")  # type: ignore[attr-defined]
        for line in TIMINGS:
            terminalreporter.write_line(line)  # type: ignore[attr-defined]
