"""Following a page that queued a background job to the job's file (tests run jobs at once)."""

import re

JOB_URL = re.compile(r"/jobs/(\d+)$")


def job_file(client, response):
    """The file of the job `response` redirected to, after checking the job finished."""
    assert response.status_code == 302, response.status_code
    job_url = response.headers["Location"]
    assert JOB_URL.search(job_url), job_url
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done", status
    download = client.get(status["download"])
    assert download.status_code == 200
    return download
