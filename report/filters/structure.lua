--[[
structure.lua: document structure rules shared by both render engines
(Quarto runs it as a user filter, before its own crossref and numbering;
the built-in engine runs it first).

1. A Div with class `shift-headings` (attribute `shift`, default 1) lowers the
   headings inside it by that many levels and is then unwrapped. report.qmd
   wraps appendix parts in it: part Markdown starts at `##`, but appendices
   sit one level deeper ("Bijlagen" > "Bijlage A" > part headings).
2. Headings below an unnumbered heading are unnumbered too, so a summary or
   appendix never shows numbers such as "0.1".
3. A reference to an unnumbered section (`@sec-bijlage-simulatie`) becomes a
   link that carries the section's title. It has no number to show: Typst
   refuses to compile such a reference and Quarto cannot label it, so it
   must not reach either engine's cross-referencing.
]]

local function shift_headings(div)
  if not div.classes:includes('shift-headings') then
    return nil
  end
  local by = tonumber(div.attributes['shift'] or '1') or 1
  return div.content:walk({
    Header = function(h)
      h.level = math.min(h.level + by, 6)
      return h
    end,
  })
end

local function propagate_unnumbered(blocks)
  local stack = {}
  return blocks:walk({
    Header = function(h)
      while #stack > 0 and stack[#stack].level >= h.level do
        table.remove(stack)
      end
      local inherited = false
      for _, parent in ipairs(stack) do
        if parent.unnumbered then inherited = true end
      end
      if inherited and not h.classes:includes('unnumbered') then
        h.classes:insert('unnumbered')
      end
      table.insert(stack, { level = h.level, unnumbered = h.classes:includes('unnumbered') })
      return h
    end,
  })
end

local function link_unnumbered_refs(blocks)
  local titles = {}
  blocks:walk({
    Header = function(h)
      if h.identifier ~= '' and h.classes:includes('unnumbered') then
        titles[h.identifier] = h.content
      end
    end,
  })
  local function link(citation)
    local out = pandoc.Inlines({})
    if #citation.prefix > 0 then
      out:extend(citation.prefix)
      out:insert(pandoc.Space())
    end
    out:insert(pandoc.Link(titles[citation.id], '#' .. citation.id))
    out:extend(citation.suffix)
    return out
  end
  return blocks:walk({
    Cite = function(c)
      local any = false
      for _, citation in ipairs(c.citations) do
        if titles[citation.id] ~= nil then any = true end
      end
      if not any then return nil end
      -- Split the citation: links for unnumbered sections, the other keys
      -- stay references of their own.
      local out = pandoc.Inlines({})
      for i, citation in ipairs(c.citations) do
        if i > 1 then out:extend({ pandoc.Str(','), pandoc.Space() }) end
        if titles[citation.id] ~= nil then
          out:extend(link(citation))
        else
          out:insert(pandoc.Cite({ pandoc.Str('@' .. citation.id) }, { citation }))
        end
      end
      return out
    end,
  })
end

function Pandoc(doc)
  doc.blocks = doc.blocks:walk({ Div = shift_headings })
  doc.blocks = propagate_unnumbered(doc.blocks)
  doc.blocks = link_unnumbered_refs(doc.blocks)
  return doc
end
