"""Consultation and quote (SPEC §12): forecast, Erlang C staffing, plan, price,
and the calendar of holidays and promotions."""
