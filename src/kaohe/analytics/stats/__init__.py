"""The mathematics of the analysis pages, pure (numpy and scipy only: no Django, no Kaohe app), so that
each method is tested against hand-computed or textbook cases."""
