"""The volunteer network the plan asks for (issue 17): who should have which team, projects,
recognition and honours. The modules, in reading order:

- `kinds`: which organization kinds each unit kind is expected to have, and where each may sit;
- `coverage`: the coverage board (missing institutes, stations, teams; idle organizations);
- `minutes`: the ONE query that totals credited service time for the network's reports;
- `projects`: volunteer service projects (志愿服务项目) and their figures;
- `recognition`: the year's criteria and ranked candidate lists (how they rank: its docstring);
- `nominations`: coordinators nominate candidates of their subtree, the admin decides;
- `honours`: the honour roll and honour certificates (荣誉证书) with their own serials.
"""
