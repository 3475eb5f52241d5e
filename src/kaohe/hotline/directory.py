"""The classifier of a city: the units and civil servants under a root unit, loaded once per process.

Building a jieba dictionary with 100,000 names takes a second or two, so the classifier is kept until
the directory changes (more or fewer people or units, a new highest id); renames take effect on restart.
"""

import threading

from kaohe.hotline import selectors
from kaohe.hotline.classifier import Classifier, Directory, PersonEntry, UnitEntry
from kaohe.org.models import Unit

_cache: dict[int, tuple[tuple[object, ...], Classifier]] = {}
_lock = threading.Lock()


def city_directory(root: Unit) -> Directory:
    """Every unit and civil servant under `root` as the classifier's directory."""
    return Directory([UnitEntry(*row) for row in selectors.city_units(root)],
                     [PersonEntry(*row) for row in selectors.city_people(root)])


def classifier_for(unit: Unit) -> Classifier:
    """The classifier with the names of the city `unit` belongs to, rebuilt only when they changed."""
    root = selectors.city_root(unit)
    key = selectors.city_fingerprint(root)
    with _lock:
        cached = _cache.get(root.pk)
        if cached is not None and cached[0] == key:
            return cached[1]
    classifier = Classifier(directory=city_directory(root))
    with _lock:
        _cache[root.pk] = (key, classifier)
    return classifier
