"""The KPIs: the registry, the measures, their statistics and the scorecard that judges them."""
