"""A throwaway S3-compatible server on loopback (moto's server mode), for the object-storage tests and the
cluster (tests/cluster.py).

    with S3Server() as s3:
        s3.create_bucket("sp2k")
        env = s3.environment("sp2k")  # the S3_* settings that point the portal at it

It runs in its own process on a free port of 127.0.0.1 and keeps everything in memory: stopping it
(always, on leaving the block) forgets every bucket.
"""

import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.pgcluster import free_port

ACCESS_KEY = "sp2k-test"  # moto accepts any key; these only have to be the same on both sides
SECRET_KEY = "sp2k-test-secret"  # noqa: S105 - a throwaway server on loopback
REGION = "us-east-1"


class S3Server:
    def __init__(self):
        self.port = free_port()
        self.process = None
        self.log = Path(tempfile.mkstemp(prefix="sp2k-s3-", suffix=".log")[1])

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=log,
                env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the S3 server exited:\n{self.log.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/moto-api/")
                connection.getresponse().read()
                connection.close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the S3 server did not answer within {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket):
        """``{key: size}`` of every object in the bucket."""
        found = {}
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket):
            found.update({item["Key"]: item["Size"] for item in page.get("Contents", [])})
        return found

    def environment(self, bucket, prefix="media"):
        """The settings (environment variables) that put the portal's files in ``bucket``."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY": ACCESS_KEY,
            "S3_SECRET_KEY": SECRET_KEY,
            "S3_PREFIX": prefix,
        }

    def storage_options(self, bucket, prefix="media"):
        """The ``STORAGES["default"]`` that sp2k/settings.py makes of ``environment(bucket)``."""
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.endpoint,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "location": prefix,
                "addressing_style": "path",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 300,
                "max_memory_size": 5 * 1024 * 1024,
            },
        }

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
