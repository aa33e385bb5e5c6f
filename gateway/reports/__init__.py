"""Reports: the five-year review and progress against the programme targets, as data and files."""
