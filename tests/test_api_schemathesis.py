"""Schemathesis against the API's own OpenAPI schema: no generated request causes a server error, and every
reply matches the documented status codes, content types and shapes.

The stateful run follows the schema's links (start an interview, then answer it and read it back), so
answers reach real interviews instead of unknown ids.
"""

import schemathesis
from hypothesis import HealthCheck, settings

from interview_core.api import create_app
from interview_core.engine import InterviewEngine
from interview_core.store import MemoryStore
from tests.fakes import ScriptedProvider

provider = ScriptedProvider().enqueue(*[7] * 100_000)
app = create_app(InterviewEngine(provider, MemoryStore()), duplicate_window=0)
config = schemathesis.Config.from_dict(
    {
        # Leniency is deliberate: like the original, the API takes "5" for 5 and a null persona for neutral.
        "checks": {"negative_data_rejection": {"enabled": False}},
        # A well-formed answer can still name a round that is not open, or come before the first question.
        "operations": [
            {
                "include-operation-id": "submit_answer",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "409", "422"]}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
SETTINGS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@SETTINGS
def test_no_request_to_any_operation_causes_a_server_error(case):
    case.call_and_validate()


def test_chained_calls_from_start_to_answers_never_fail():
    before = sum(name == "evaluate" for name, _ in provider.calls)
    schema.as_state_machine().run(settings=settings(SETTINGS, stateful_step_count=6))
    assert sum(name == "evaluate" for name, _ in provider.calls) > before  # answers reached real interviews
