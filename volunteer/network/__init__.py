"""The volunteer network: coverage board, projects, recognition and honours (issue 17)."""
