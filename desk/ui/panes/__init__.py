"""The parts a record tab is assembled from: the entry form (``record_form``), the list with
its filters (``record_list``, also under 回访 and 交接班) and the detail of the selected
record (``record_detail``). A pane knows nothing of a record kind: the tab hands it what is
kind-specific (the columns and how to fetch them, how to save the form)."""
