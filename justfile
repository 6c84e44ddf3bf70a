# quicprochat tasks; each recipe mirrors an npm script so `just` and `npm run` never disagree.

# list the recipes
default:
    @just --list

# install every dependency exactly as locked (builds SQLCipher, about 2-3 minutes)
setup:
    npm ci

# bundle the sources into dist/ (npm ci does it too, as the prepare script)
build:
    npm run build

# run the terminal client from the sources through tsx (passes arguments through: just dev keys new)
dev *ARGS:
    npm run dev -- {{ARGS}}

# run every test (unit, vectors, scenarios, end-to-end)
test:
    npm test

# types, lint, format, dependency direction and circular imports
check:
    npm run check

# print throughput, latency and memory figures beside their same-run baselines
bench *SECTIONS:
    npm run bench -- {{SECTIONS}}

# start qpc-server with a development data directory in ./.qpc-dev
server *ARGS:
    npx qpc-server --data .qpc-dev/server {{ARGS}}

# start the full-screen client against the development server
tui *ARGS:
    npx qpc --profile .qpc-dev/profile {{ARGS}}
