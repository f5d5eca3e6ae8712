--[[
crossref.lua: Quarto-style cross-references for the built-in engine.

Pandoc alone neither numbers figures and tables nor resolves `@fig-x`,
`@tbl-x` (it parses them as citations). This filter:

- numbers figures (`#fig-*`) and tables (`#tbl-*`) in document order;
- HTML: prefixes captions with "Figuur n:" / "Tabel n:" and turns references
  into links whose text is the Dutch label and number;
- Typst: emits native references (`@fig-x`), since Typst numbers figures
  and tables itself (in Dutch with `lang: "nl"`). Section references never
  get here: structure.lua resolves them for both engines; a `@sec-x` left
  over names a section that does not exist;
- moves `fig-alt` to the image's alt text (as Quarto does);
- fails on a reference to an id that does not exist, naming it.

Citations that do not look like cross-references are put back as plain text.
]]

local is_html = FORMAT:match('html') ~= nil
local is_typst = FORMAT == 'typst'

local LABEL = { fig = 'Figuur', tbl = 'Tabel' }

local targets = {}

local function register(id, entry)
  if targets[id] ~= nil then
    error('duplicate cross-reference id "' .. id .. '"')
  end
  targets[id] = entry
end

local function kind_of(id)
  return id:match('^(%a+)%-')
end

local function collect(blocks)
  local counters = { fig = 0, tbl = 0 }
  -- Figures (#fig-*) and tables (#tbl-*) are numbered apart, in document order.
  local function number_float(kind, el)
    if kind_of(el.identifier) == kind then
      counters[kind] = counters[kind] + 1
      register(el.identifier, { kind = kind, number = tostring(counters[kind]) })
    end
  end
  blocks:walk({
    Figure = function(f) number_float('fig', f) end,
    Table = function(t) number_float('tbl', t) end,
  })
end

-- "Figuur 3: " in front of an HTML caption.
local function prefix_caption(caption, kind, number)
  local label = pandoc.Span(
    { pandoc.Str(LABEL[kind]), pandoc.Space(), pandoc.Str(number .. ':') },
    { class = 'caption-label' }
  )
  local long = caption.long
  if #long > 0 and (long[1].t == 'Plain' or long[1].t == 'Para') then
    long[1].content:insert(1, pandoc.Space())
    long[1].content:insert(1, label)
  else
    long:insert(1, pandoc.Plain({ label }))
  end
  caption.long = long
  return caption
end

local function typst_string(text)
  return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

local function fix_alt(img)
  local alt = img.attributes['fig-alt']
  if alt == nil then return img end
  img.attributes['fig-alt'] = nil
  if is_typst then
    -- pandoc's typst writer drops alt text; write the image call ourselves so
    -- the tagged PDF carries it.
    local args = { typst_string(img.src), 'alt: ' .. typst_string(alt) }
    for _, key in ipairs({ 'width', 'height' }) do
      local value = img.attributes[key]
      if value ~= nil and value:match('^[%d.]+%a*%%?$') and not value:match('px$') then
        args[#args + 1] = key .. ': ' .. value
      end
    end
    return pandoc.RawInline('typst', '#image(' .. table.concat(args, ', ') .. ')')
  end
  img.caption = { pandoc.Str(alt) }
  return img
end

local function label_for(entry)
  return LABEL[entry.kind] .. ' ' .. entry.number
end

local function resolve(citation)
  local id = citation.id
  local entry = targets[id]
  if entry == nil then
    error('unresolved cross-reference @' .. id
      .. ' (no figure, table or section in the report has the id "' .. id .. '")')
  end
  if is_typst then
    return pandoc.RawInline('typst', '@' .. id)
  end
  local words = {}
  for word in label_for(entry):gmatch('%S+') do
    if #words > 0 then words[#words + 1] = pandoc.Space() end
    words[#words + 1] = pandoc.Str(word)
  end
  return pandoc.Link(words, '#' .. id, '', { class = 'quarto-xref' })
end

local function cite(c)
  local out = pandoc.Inlines({})
  local any_xref = false
  for _, citation in ipairs(c.citations) do
    if LABEL[kind_of(citation.id) or ''] or kind_of(citation.id) == 'sec' then
      any_xref = true
    end
  end
  if not any_xref then
    return c.content -- not a cross-reference: keep the text as written
  end
  for i, citation in ipairs(c.citations) do
    if i > 1 then out:extend({ pandoc.Str(','), pandoc.Space() }) end
    if #citation.prefix > 0 then out:extend(citation.prefix); out:insert(pandoc.Space()) end
    out:insert(resolve(citation))
    if #citation.suffix > 0 then out:extend(citation.suffix) end
  end
  return out
end

-- HTML only: Typst writes the label and number in front of the caption itself.
local function label_caption(el)
  local entry = targets[el.identifier]
  if is_html and entry ~= nil then
    el.caption = prefix_caption(el.caption, entry.kind, entry.number)
  end
  return el
end

function Pandoc(doc)
  collect(doc.blocks)
  -- Captions are labelled for HTML only: for Typst the walk leaves figures and tables alone,
  -- which spares handing every table to Lua.
  doc.blocks = doc.blocks:walk({
    Image = fix_alt,
    Figure = is_html and label_caption or nil,
    Table = is_html and label_caption or nil,
    Cite = cite,
  })
  return doc
end
