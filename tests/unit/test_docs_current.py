"""docs/protocol-reference.md and docs/scenarios.md are drawn from the code: they must match it."""
from tools import gen_docs


def test_the_generated_docs_match_the_code():
    assert gen_docs.main(["--check"]) == 0, "run `make docs` and commit the result"


def test_every_scenario_and_every_client_event_is_in_the_docs():
    scenarios, reference = gen_docs.scenarios_doc(), gen_docs.protocol_reference()
    for name in gen_docs.SCENARIOS:
        assert f"## `{name}`" in scenarios
    for event in gen_docs.c.ClientEvent:
        assert f"| `{event}` |" in reference
