"""How a command's crawl runs: a run created, crawled, closed and scored
(runs.py); Scrapy in this process (process.py) or spread over worker processes
(workers.py); progress shown (progress.py); one monitor pass at a time
(lock.py); a discovery crawl (discovery.py)."""
