from tests.people.fixtures import agent, citizen, clerk, other_citizen, supervisor  # noqa: F401
