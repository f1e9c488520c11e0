-- wrk script: redirects by returning visitors. COOKIES names a file of tc_cid values (one per
-- line, minted by earlier redirects); each request sends the next one, round robin, so every
-- click is a returning visitor's and goes through the uniqueness look-up.
local cookies = {}
local next_cookie = 1

function init(args)
  for line in io.lines(os.getenv("COOKIES")) do
    cookies[#cookies + 1] = line
  end
end

function request()
  local cookie = cookies[next_cookie]
  next_cookie = next_cookie % #cookies + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do  -- keep the User-Agent given with -H
    headers[name] = value
  end
  headers["Cookie"] = "tc_cid=" .. cookie
  return wrk.format("GET", nil, headers)
end
