# Kaohe: the two commands a newcomer needs are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test deps lint types imports security pytest messages translations clean-db system-deps

run: deps translations
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --people 2000 --seed 1 --if-empty
	PORT=$(PORT) scripts/serve.sh

test: deps translations system-deps lint types imports security pytest

deps: $(VENV)/.installed node_modules/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	scripts/system-deps.sh

translations: deps
	$(BIN)/python manage.py compile_translations

messages: deps
	cd src/kaohe && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location \
	  --settings=kaohe.config.settings.test --pythonpath=.. -i "*/tests/*"

lint:
	$(BIN)/ruff check src tests bench

types:
	$(BIN)/mypy src

imports:
	$(BIN)/lint-imports

security:
	$(BIN)/bandit -q -r src -ll

pytest:
	$(BIN)/pytest

clean-db:
	rm -rf var/kaohe.sqlite3* var/broker var/broker-done
