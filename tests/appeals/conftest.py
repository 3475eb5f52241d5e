from tests.appraisal.conftest import scored  # noqa: F401
